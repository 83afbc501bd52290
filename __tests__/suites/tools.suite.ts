import { runFolder } from "./suite";

runFolder("tools");
