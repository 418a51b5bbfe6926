import Ajv from "ajv";

/**
 * The CloudWatch embedded metric format as its specification describes it (Amazon CloudWatch User
 * Guide, "Specification: Embedded metric format"): a root object whose _aws member holds a
 * millisecond Timestamp and MetricDirectives (Namespace; DimensionSets of at most 30 names; at most
 * 100 Metrics, each a Name with an optional Unit and StorageResolution), and whose root holds every
 * referenced dimension as a string and every metric as a number or a list of numbers.
 */
const UNITS = [
  "Seconds",
  "Microseconds",
  "Milliseconds",
  "Bytes",
  "Kilobytes",
  "Megabytes",
  "Gigabytes",
  "Terabytes",
  "Bits",
  "Kilobits",
  "Megabits",
  "Gigabits",
  "Terabits",
  "Percent",
  "Count",
  "Bytes/Second",
  "Kilobytes/Second",
  "Megabytes/Second",
  "Gigabytes/Second",
  "Terabytes/Second",
  "Bits/Second",
  "Kilobits/Second",
  "Megabits/Second",
  "Gigabits/Second",
  "Terabits/Second",
  "Count/Second",
  "None",
];
const name = { type: "string", minLength: 1, maxLength: 1024 };
const schema = {
  type: "object",
  required: ["_aws"],
  properties: {
    _aws: {
      type: "object",
      required: ["Timestamp", "CloudWatchMetrics"],
      properties: {
        Timestamp: { type: "integer", minimum: 0 },
        CloudWatchMetrics: {
          type: "array",
          items: {
            type: "object",
            required: ["Namespace", "Dimensions", "Metrics"],
            additionalProperties: false,
            properties: {
              Namespace: name,
              Dimensions: { type: "array", items: { type: "array", items: name, maxItems: 30 } },
              Metrics: {
                type: "array",
                maxItems: 100,
                items: {
                  type: "object",
                  required: ["Name"],
                  additionalProperties: false,
                  properties: { Name: name, Unit: { enum: UNITS }, StorageResolution: { enum: [1, 60] } },
                },
              },
            },
          },
        },
      },
    },
  },
};
const validate = new Ajv({ strict: true }).compile(schema);

/** The problems of an EMF document, or [] when it fits the specification. */
export function emfProblems(doc: Record<string, unknown>): string[] {
  if (!validate(doc)) return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  const problems: string[] = [];
  for (const directive of (doc._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] })
    .CloudWatchMetrics) {
    for (const dimension of directive.Dimensions.flat())
      if (typeof doc[dimension] !== "string") problems.push(`dimension ${dimension} is not a string member`);
    for (const { Name } of directive.Metrics) {
      const value = doc[Name];
      if (!(
        typeof value === "number" ||
        (Array.isArray(value) && value.length <= 100 && value.every((v) => typeof v === "number"))
      ))
        problems.push(`metric ${Name} is not a number member`);
    }
  }
  return problems;
}
