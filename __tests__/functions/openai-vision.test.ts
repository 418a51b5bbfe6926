import { BadRequestError } from "openai";
import { useOpenAiFixture } from "../helpers/openai-fixture";

// Images in chat, through the official client with a base URL and a key only.
const KEY = "vision-key";
const f = useOpenAiFixture(KEY);

/** A 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const dataUrl = `data:image/png;base64,${PNG.toString("base64")}`;
const look = (url: string) => [
  {
    role: "user" as const,
    content: [
      { type: "text" as const, text: "What is in this picture?" },
      { type: "image_url" as const, image_url: { url } },
    ],
  },
];

describe("a vision model (models[].vision)", () => {
  it("answers about an image sent as a data: URL, buffered and streamed; the model gets the parts as sent", async () => {
    const reply = await f.openai.chat.completions.create({ model: "qwen-vl", messages: look(dataUrl) });
    expect(reply.choices[0].message.content).toBe(`I see 1 image(s): image/png ${PNG.length} bytes.`);
    expect(f.rig.emulator.calls.at(-1)!.body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this picture?" },
          { type: "image_url", image_url: { url: dataUrl } },
        ],
      },
    ]);
    const stream = await f.openai.chat.completions.create({ model: "qwen-vl", messages: look(dataUrl), stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe(reply.choices[0].message.content);
  });

  it("takes an input_image of the Responses API too", async () => {
    const response = await f.openai.responses.create({
      model: "qwen-vl",
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is this?" },
            { type: "input_image", image_url: dataUrl, detail: "auto" },
          ],
        },
      ],
    });
    expect(response.output_text).toBe(`I see 1 image(s): image/png ${PNG.length} bytes.`);
  });

  it("refuses an https: URL it was not configured to fetch, by the part's name", async () => {
    const error = await f.openai.chat.completions
      .create({ model: "qwen-vl", messages: look("https://images.example.com/cat.png") })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect([(error as BadRequestError).param, (error as BadRequestError).message]).toEqual([
      "messages[0].content[1]",
      expect.stringContaining("data: URLs only"),
    ]);
  });

  it("refuses what is not an image URL", async () => {
    const error = await f.openai.chat.completions
      .create({ model: "qwen-vl", messages: look("data:text/html;base64,PGgxPg==") })
      .catch((e: unknown) => e);
    expect([(error as BadRequestError).status, (error as BadRequestError).param]).toEqual([
      400,
      "messages[0].content[1].image_url.url",
    ]);
  });
});

describe("a text model", () => {
  it("refuses an image with a 400 that says which models take images, and calls no model", async () => {
    const before = f.rig.emulator.calls.length;
    const error = await f.openai.chat.completions
      .create({ model: "mistral", messages: look(dataUrl) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect([
      (error as BadRequestError).param,
      (error as BadRequestError).code,
      (error as BadRequestError).message,
    ]).toEqual([
      "messages[0].content[1]",
      "unsupported_content",
      expect.stringContaining('model "mistral" takes text only. Models that take images here: qwen-vl.'),
    ]);
    expect(f.rig.emulator.calls.length).toBe(before);
  });
});
