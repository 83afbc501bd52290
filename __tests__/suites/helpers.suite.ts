import { runFolder } from "./suite";

runFolder("helpers");
