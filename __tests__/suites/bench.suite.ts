import { runFolder } from "./suite";

runFolder("bench");
