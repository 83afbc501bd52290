import { runSuite } from "./suite";

runSuite("synth");
