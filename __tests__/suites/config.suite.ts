import { runFolder } from "./suite";

runFolder("config");
