/** Why `name` cannot be a Kafka topic name, or undefined when it can. */
export function topicProblem(name: string): string | undefined {
  if (name === '.' || name === '..') return `"${name}" cannot be a topic name`;
  if (name.length > 249) return 'a topic name has at most 249 characters';
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return `"${name}" is not a topic name: use letters, digits, ".", "_" and "-" only`;
  return undefined;
}
