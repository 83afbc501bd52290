import { runFolder } from "./suite";

runFolder("lint");
