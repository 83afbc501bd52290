import { runFolder } from "./suite";

runFolder("policy");
