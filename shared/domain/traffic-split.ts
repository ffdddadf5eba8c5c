/** An endpoint's traffic split: deployed model id → percent of requests, integers adding up to 100. */
export type TrafficSplit = Record<string, number>;

/** In DeployModel's split, this key stands for the model being deployed (Vertex AI's convention). */
export const NEW_DEPLOYMENT_KEY = '0';

/**
 * Shares `total` among the keys in proportion to their weights, as integers that add up to `total`
 * (largest remainder; ties go to the smaller key, so the result is deterministic). Keys whose
 * weights are all zero share equally.
 */
export function apportion(weights: Record<string, number>, total: number): TrafficSplit {
  const keys = Object.keys(weights).sort();
  if (keys.length === 0) return {};
  const sum = keys.reduce((s, k) => s + Math.max(0, weights[k]!), 0);
  const exact = keys.map((key) => {
    const value = sum > 0 ? (Math.max(0, weights[key]!) * total) / sum : total / keys.length;
    return { key, value, floor: Math.floor(value) };
  });
  const split: TrafficSplit = Object.fromEntries(exact.map((e) => [e.key, e.floor]));
  let left = total - exact.reduce((s, e) => s + e.floor, 0);
  for (const e of [...exact].sort((a, b) => b.value - b.floor - (a.value - a.floor))) {
    if (left <= 0) break;
    split[e.key]! += 1;
    left--;
  }
  return split;
}

/**
 * The split to send with DeployModel: the new model takes `share` percent and the models already
 * serving keep their relative weights in the rest. The first model on an endpoint takes everything
 * (a split must add up to 100).
 */
export function splitForDeploy(current: TrafficSplit, share: number): TrafficSplit {
  const others = Object.keys(current).filter((id) => id !== NEW_DEPLOYMENT_KEY);
  if (others.length === 0) return { [NEW_DEPLOYMENT_KEY]: 100 };
  const weights = Object.fromEntries(others.map((id) => [id, current[id]!]));
  return { ...apportion(weights, 100 - share), [NEW_DEPLOYMENT_KEY]: share };
}

/** The deploy split once Vertex has named the new deployed model. */
export function withDeployedId(split: TrafficSplit, deployedModelId: string): TrafficSplit {
  const { [NEW_DEPLOYMENT_KEY]: share = 0, ...others } = split;
  return { ...others, [deployedModelId]: share };
}

/**
 * The split to send with UndeployModel when the model leaving still takes traffic: its share goes
 * to the remaining models in proportion to what they had. Null when no split is needed (the model
 * takes no traffic, or nothing remains).
 */
export function splitWithout(current: TrafficSplit, leaving: string, remaining: readonly string[]): TrafficSplit | null {
  if (remaining.length === 0 || (current[leaving] ?? 0) === 0) return null;
  return apportion(Object.fromEntries(remaining.map((id) => [id, current[id] ?? 0])), 100);
}

/** The split an endpoint is left with after a model is undeployed without a new split. */
export function dropFromSplit(current: TrafficSplit, leaving: string): TrafficSplit {
  const { [leaving]: _gone, ...rest } = current;
  return rest;
}
