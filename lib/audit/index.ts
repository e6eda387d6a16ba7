// Public API of lib/audit: per-sample audit of an unlearned model against the original and Retrain,
// the MIA suite with bootstrap CIs, forget requests from id files, and the audit figures.
export { auditUnlearning, auditAccuracyTable, auditFrame, AUDIT_SETS, type Audit, type AuditInputs, type AuditSet } from './audit';
export { sampleScores, scoresOf, scoreAccuracy, type SampleScores } from './scores';
export { bootstrapCi, formatBootstrapCi, type BootstrapCi, type BootstrapOptions } from './bootstrap';
export { svcMiaEfficacy, fitSvcAttack, svcShadowRetainPositions, type SvcMiaOptions, type SvcAttack } from './svc-mia';
export { miaSuite, miaSuiteTable, miaSuiteFrame, type MiaSuiteOptions, type MiaSuiteResult, type MiaRow, type AttackScoreSet } from './mia-suite';
export { readIdsFile, forgetByIds, forgetByIdsFile } from './forget-ids';
export { checkModelFitsDataset, checkDisjoint } from './checks';
export { errorCurve, type ErrorCurve, type ErrorPoint } from './error-curves';
export { auditLossFigure, attackRocFigure, errorCurveFigure, historyFigure } from './figures';
