export { validateFlow, validateFlowText, type ValidateOptions } from './validate';
export { formatDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostic';
export { closest, didYouMean } from './suggest';
export { checkConnection, nodePorts, type ConnectionCheck } from './connect';
