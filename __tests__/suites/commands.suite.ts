import { runSuite } from "./suite";

runSuite("commands");
