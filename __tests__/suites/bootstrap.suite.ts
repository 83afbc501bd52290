import { runFolder } from "./suite";

runFolder("bootstrap");
