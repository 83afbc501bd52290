import { runFolder } from "./suite";

runFolder("contract");
