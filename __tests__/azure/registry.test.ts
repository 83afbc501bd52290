import { registryImage } from "../../lib/azure/registry";
import { parseImage } from "../../lib/image";

describe("Azure registry image references", () => {
  it("splits host, repository and tag or digest the way Docker does", () => {
    expect(parseImage("ghcr.io/example/hello:1.0.0")).toEqual({
      host: "ghcr.io",
      repository: "example/hello",
      version: ":1.0.0",
    });
    expect(parseImage("localhost:5000/hello@sha256:abc")).toEqual({
      host: "localhost:5000",
      repository: "hello",
      version: "@sha256:abc",
    });
    expect(parseImage("library/nginx")).toEqual({ host: undefined, repository: "library/nginx", version: "" });
    expect(parseImage("nginx:1.27")).toEqual({ host: undefined, repository: "nginx", version: ":1.27" });
  });

  it("pulls the same repository and tag or digest from the environment's registry", () => {
    const acr = "crhelloprod123abc.azurecr.io";
    expect(registryImage("ghcr.io/example/hello:1.0.0", acr)).toBe(`${acr}/example/hello:1.0.0`);
    expect(registryImage("registry.example.com/hello@sha256:abc", acr)).toBe(`${acr}/hello@sha256:abc`);
    expect(registryImage("nginx:1.27", acr)).toBe(`${acr}/nginx:1.27`);
    expect(registryImage(`${acr}/hello:2`, acr)).toBe(`${acr}/hello:2`);
  });
});
