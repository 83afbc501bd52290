import { runFolder } from "./suite";

runFolder("azure");
