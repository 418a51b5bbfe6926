import { fitName, resourceNames } from "../../deployment/names";

describe("names", () => {
  it("keeps short names as they are and cuts long ones to the limit with a unique tail", () => {
    expect(fitName("llm-api-v1-mistral-7b", 63)).toBe("llm-api-v1-mistral-7b");
    const a = fitName(`llm-api-prod-${"x".repeat(60)}-a`, 63);
    const b = fitName(`llm-api-prod-${"x".repeat(60)}-b`, 63);
    expect(a).toHaveLength(63);
    expect(b).toHaveLength(63);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^llm-api-prod-x+-[0-9a-f]{6}$/);
  });

  it("derives every physical name from project, stage and model within AWS limits", () => {
    const names = resourceNames("llm-api", "prod");
    expect(names.endpoint("mistral-7b")).toBe("llm-api-prod-mistral-7b");
    expect(names.function("mistral-7b", "invoke")).toBe("llm-api-prod-mistral-7b-invoke");
    expect(names.rolePrefix("a-very-long-model-name-for-roles-sm").length).toBeLessThanOrEqual(38);
    expect(names.function("m".repeat(32), "invoke").length).toBeLessThanOrEqual(64);
  });
});
