import { runFolder } from "./suite";

runFolder("relay");
