import { startLocalStack, type LocalStack } from "../../local/dev-server";
import { localConfig, post } from "../helpers/local";

// X-Amzn-SageMaker-Custom-Attributes: the model's configured value, or the client's own, reaches SageMaker.
describe("custom attributes through the local stack", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    process.env.LOG_LEVEL = "silent";
    const config = localConfig({
      models: [
        {
          name: "eula",
          huggingFace: { modelId: "a/b" },
          instance: { type: "ml.g5.2xlarge" },
          customAttributes: "accept_eula=true",
        },
        { name: "plain", huggingFace: { modelId: "a/b" }, instance: { type: "ml.g5.2xlarge" } },
      ],
    });
    stack = await startLocalStack({ config, port: 0, apiKey: "k", emulator: {} });
  });
  afterAll(() => stack.stop());

  const sentAttributes = () => stack.emulator!.calls.at(-1)!.headers["x-amzn-sagemaker-custom-attributes"];
  const generate = { inputs: "hi", parameters: { max_new_tokens: 2 } };

  it.each([
    ["/eula/invoke", generate],
    ["/eula/stream", generate],
    ["/v1/chat/completions", { model: "eula", messages: [{ role: "user", content: "hi" }] }],
    ["/v1/completions", { model: "eula", prompt: "hi" }],
  ])(
    "%s sends the model's configured attributes, and the client's own instead when it sends some",
    async (path, body) => {
      expect((await post(`${stack.url}${path}`, body, { "x-api-key": "k" })).status).toBe(200);
      expect(sentAttributes()).toBe("accept_eula=true");
      const res = await post(`${stack.url}${path}`, body, {
        "x-api-key": "k",
        "X-Amzn-SageMaker-Custom-Attributes": "trace=on",
      });
      expect(res.status).toBe(200);
      await res.text();
      expect(sentAttributes()).toBe("trace=on");
    },
  );

  it("sends none for a model without them, unless the client does", async () => {
    await (await post(`${stack.url}/plain/invoke`, generate, { "x-api-key": "k" })).text();
    expect(sentAttributes()).toBeUndefined();
    await (
      await post(`${stack.url}/plain/invoke`, generate, {
        "x-api-key": "k",
        "x-amzn-sagemaker-custom-attributes": "a=b",
      })
    ).text();
    expect(sentAttributes()).toBe("a=b");
  });
});
