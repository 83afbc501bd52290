import { runSuite } from "./suite";

runSuite("app");
