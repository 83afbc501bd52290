import { runFolder } from "./suite";

runFolder("permissions");
