import { runFolder } from "./suite";

runFolder("edge");
