import { Construct } from "constructs";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";

export interface AlarmTopicProps {
  readonly name: string;
  readonly email: string;
}

/**
 * The SNS topic alarms notify, with one e-mail subscription (confirmed from the
 * first message). Not KMS-encrypted: CloudWatch cannot publish to a topic under
 * the AWS-managed SNS key, and alarm messages carry no secrets.
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, "topic", { name: props.name });
    new SnsTopicSubscription(this, "email", { topicArn: this.topic.arn, protocol: "email", endpoint: props.email });
  }
}
