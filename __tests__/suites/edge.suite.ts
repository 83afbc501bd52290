import { runSuite } from "./suite";

runSuite("edge");
