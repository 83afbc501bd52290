import { runFolder } from "./suite";

runFolder("ci");
