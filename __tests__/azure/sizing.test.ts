import {
  appInsightsRetentionDays,
  containerResources,
  flexInstanceMemoryMb,
  functionTimeout,
  memoryToMb,
  timeoutSeconds,
  workspaceRetentionDays,
} from "../../lib/azure/sizing";

describe("Azure sizing", () => {
  it("picks the smallest Flex Consumption instance with at least the requested memory", () => {
    expect([128, 512, 513, 1024, 2048, 3000, 4096].map(flexInstanceMemoryMb)).toEqual([
      512, 512, 2048, 2048, 2048, 4096, 4096,
    ]);
    expect(() => flexInstanceMemoryMb(4097)).toThrow(/larger than the largest Flex Consumption instance/);
  });

  it("maps memory onto Container Apps consumption sizes with 1 vCPU per 2 GiB", () => {
    expect(containerResources(256)).toEqual({ cpu: 0.25, memory: "0.5Gi", memoryMb: 512 });
    expect(containerResources(512)).toEqual({ cpu: 0.25, memory: "0.5Gi", memoryMb: 512 });
    expect(containerResources(1024)).toEqual({ cpu: 0.5, memory: "1Gi", memoryMb: 1024 });
    expect(containerResources(1100)).toEqual({ cpu: 0.75, memory: "1.5Gi", memoryMb: 1536 });
    expect(containerResources(4096)).toEqual({ cpu: 2, memory: "4Gi", memoryMb: 4096 });
    expect(() => containerResources(4097)).toThrow(/larger than the largest Container Apps consumption size/);
    for (const mb of [512, 1024, 1536, 4096]) expect(memoryToMb(containerResources(mb).memory)).toBe(mb);
  });

  it("keeps logs at least as long as asked, within what Azure accepts", () => {
    expect([1, 7, 30, 31, 90, 730, 3653].map(workspaceRetentionDays)).toEqual([30, 30, 30, 31, 90, 730, 730]);
    expect([7, 30, 45, 90, 100, 400, 3653].map(appInsightsRetentionDays)).toEqual([30, 30, 60, 90, 120, 550, 730]);
  });

  it("writes the Functions timeout as hh:mm:ss and reads it back", () => {
    expect(functionTimeout(15)).toBe("00:00:15");
    expect(functionTimeout(300)).toBe("00:05:00");
    expect(functionTimeout(3725)).toBe("01:02:05");
    for (const s of [1, 59, 60, 300, 3725]) expect(timeoutSeconds(functionTimeout(s))).toBe(s);
  });
});
