/**
 * Local state sits in the project folder, named per stack. The path is relative
 * to the stack's folder (cdktf.out/stacks/<stack>), so the synthesised JSON is
 * the same on every machine, unlike cdktf's default absolute path.
 */
export const localStatePath = (stackName: string): string => `../../../terraform.${stackName}.tfstate`;
