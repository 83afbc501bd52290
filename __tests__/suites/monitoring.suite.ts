import { runFolder } from "./suite";

runFolder("monitoring");
