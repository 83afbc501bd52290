import { runFolder } from "./suite";

runFolder("release");
