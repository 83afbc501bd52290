import { runFolder } from "./suite";

runFolder("parity");
