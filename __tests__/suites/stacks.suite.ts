import { runFolder } from "./suite";

runFolder("stacks");
