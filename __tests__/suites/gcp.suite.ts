import { runFolder } from "./suite";

runFolder("gcp");
