export { createDesignerServer, type DesignerServer, type DesignerServerOptions } from './app';
export { RunManager, type RunStatus, type RunState, type SummaryJson } from './runs';
export { FlowStore, isFlowId, etagOf } from './store';
export { isLoopbackHost, tokenPath, loadOrCreateToken } from './token';
