import { runFolder } from "./suite";

runFolder("aws");
