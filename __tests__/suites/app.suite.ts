import { runFolder } from "./suite";

runFolder("app");
