/**
 * On-demand list prices of SageMaker real-time inference instances, USD per
 * instance-hour, in one region. Recorded on the date below from the public
 * SageMaker pricing page and price-list mirrors; only ml.g5.xlarge (1.41),
 * ml.g5.2xlarge (1.52) and ml.p4d.24xlarge (37.69) were re-checked against a
 * second source that day. Prices change and differ by region: override them
 * with `cost.prices` in the config. A type missing here is reported as
 * unpriced, never counted as free.
 */
export interface PriceTable {
  readonly region: string;
  readonly takenOn: string;
  readonly currency: "USD";
  readonly hourly: Readonly<Record<string, number>>;
  /** Serverless inference compute, per GB-second of memory. */
  readonly serverlessPerGbSecond: number;
}

export const PRICES: PriceTable = {
  region: "us-east-1",
  takenOn: "2026-11-24",
  currency: "USD",
  hourly: {
    "ml.g4dn.xlarge": 0.7364,
    "ml.g4dn.2xlarge": 1.0528,
    "ml.g4dn.4xlarge": 1.6856,
    "ml.g4dn.8xlarge": 3.0464,
    "ml.g4dn.12xlarge": 5.4768,
    "ml.g4dn.16xlarge": 6.0928,
    "ml.g5.xlarge": 1.408,
    "ml.g5.2xlarge": 1.515,
    "ml.g5.4xlarge": 2.03,
    "ml.g5.8xlarge": 3.06,
    "ml.g5.12xlarge": 7.09,
    "ml.g5.16xlarge": 5.12,
    "ml.g5.24xlarge": 10.18,
    "ml.g5.48xlarge": 20.36,
    "ml.g6.xlarge": 1.0064,
    "ml.g6.2xlarge": 1.2224,
    "ml.g6.4xlarge": 1.6544,
    "ml.g6.8xlarge": 2.5184,
    "ml.g6.12xlarge": 5.3696,
    "ml.g6.16xlarge": 4.2464,
    "ml.g6.24xlarge": 7.4944,
    "ml.g6.48xlarge": 16.6016,
    "ml.g6e.xlarge": 2.3388,
    "ml.g6e.2xlarge": 2.8026,
    "ml.g6e.4xlarge": 3.7553,
    "ml.g6e.8xlarge": 5.6607,
    "ml.g6e.12xlarge": 13.1158,
    "ml.g6e.16xlarge": 9.4715,
    "ml.g6e.24xlarge": 18.832,
    "ml.g6e.48xlarge": 37.664,
    "ml.p4d.24xlarge": 37.688,
    "ml.p5.48xlarge": 113.068,
    "ml.inf2.xlarge": 0.99,
    "ml.inf2.8xlarge": 2.36,
    "ml.inf2.24xlarge": 7.79,
    "ml.inf2.48xlarge": 15.58,
  },
  serverlessPerGbSecond: 0.00002,
};

/** Hours in the 30-day month the estimates use. */
export const HOURS_PER_MONTH = 720;

/**
 * What the stacks add beside the instances, per month, USD, us-east-1: a standard-resolution
 * CloudWatch alarm ($0.10 per alarm-month; the first 10 of an account are free), a custom dashboard
 * ($3.00; the first 3 free) and a Secrets Manager secret ($0.40). Recorded 2026-12-02 from stored
 * copies of public pages (a CloudWatch cost guide for the alarm and dashboard rates, AWS's CloudWatch
 * pricing page for the free tier; the secret's rate from AWS's Secrets Manager pricing as commonly
 * cited), not from a reading of the live pages on that date: check them there.
 */
export const MONITORING_PRICES = { alarmMonth: 0.1, dashboardMonth: 3, secretMonth: 0.4 } as const;

/**
 * DynamoDB on-demand requests, USD per million request units, us-east-1, after the 50 % cut of
 * 1 November 2024. From a stored copy of airbyte.com/data-engineering-resources/dynamodb-pricing
 * (dated 21 July 2025), which states both figures; not a reading of AWS's live pricing page. A write
 * unit is one write of an item up to 1 KB; a budget item stays under that with up to about a dozen
 * answers running for one consumer at once.
 */
export const DYNAMODB_ON_DEMAND = { region: "us-east-1", writePerMillion: 0.625, readPerMillion: 0.125 } as const;
