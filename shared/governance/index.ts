export { checkGovernance, type GovernanceOptions } from './leaks';
export { crossing, DEFAULT_POLICY, parsePolicy, parsePolicyText, POLICY_FORMAT, PolicyFile, tagMayCross, type Crossing, type Policy, type PolicyProblem } from './policy';
export { nodeConnection, nodeZone, resourceZone, type NodeZone } from './zones';
