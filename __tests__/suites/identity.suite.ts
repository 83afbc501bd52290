import { runFolder } from "./suite";

runFolder("identity");
