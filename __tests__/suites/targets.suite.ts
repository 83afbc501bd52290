import { runSuite } from "./suite";

runSuite("targets");
