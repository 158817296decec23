/**
 * qwen-auth: Qwen Code's authentication and configuration for any tool.
 *
 * The main entry stays light: the OAuth protocol (openid-client), proxy
 * support (undici), keytar and the settings writer's JSONC editor are loaded
 * only by the code paths that need them.
 *
 * @packageDocumentation
 */

// Resolution
export { inspectEnvironment } from './resolve/inspect-environment.js';
export { resolveAuth } from './resolve/resolve-auth.js';
export type { ResolveAuthOptions, ResolveOAuthOptions } from './resolve/options.js';
export { TRUSTED_GATEWAYS_VARIABLE } from './resolve/trusted-gateways.js';
export { describeSource } from './resolve/provenance.js';
export type { DescribeSourceOptions } from './resolve/provenance.js';
export { AUTH_TYPES, isAuthType, QWEN_CODE_AUTH_TYPES } from './types.js';
export type {
  AuthOverrides,
  AuthType,
  EnvFileLayer,
  EnvRecord,
  FetchLike,
  EnvFileReport,
  EnvironmentReport,
  LayerFile,
  Provenance,
  ProviderMatch,
  QwenCodeAuthType,
  QwenCodeVersion,
  ResolvedAuthType,
  Scope,
  SettingsScope,
  SourceKind,
  TrustReport,
  UnreadEnvFile,
  ValueSource,
} from './types.js';
export type {
  AnthropicAuth,
  ApiKeyAuth,
  OpenAIAuth,
  OpenAIResponsesAuth,
  ResolvedSources,
  QwenOAuthAuth,
  ResolvedAuth,
} from './resolve/types.js';

// Calling a model: tokens, the authenticated fetch, the live check, SDK options
export { AUTH_CHECK_CODES, authCheckRemedy } from './requests/check-codes.js';
export { chatOpenAIFields, openAICompatibleSettings, openAIClientOptions } from './requests/sdk-options.js';
export type { ChatOpenAIFields, OpenAIClientOptions, OpenAICompatibleSettings, SdkAuth } from './requests/sdk-options.js';
export type {
  AuthCheck,
  AuthCheckCode,
  AuthCheckFailed,
  AuthCheckPassed,
  AuthRequests,
  CheckOptions,
  GetTokenOptions,
  KeyHeader,
} from './requests/types.js';

// Wrapping qwen-auth in a command line
export { authFlags, optionsFromFlags, overridesFromFlags } from './flags.js';
export type { AuthFlag, AuthFlagName, AuthFlagOptions, AuthSwitchFlag, AuthValueFlag, OverridesFromFlagsOptions } from './flags.js';
export { findAuthError } from './find-auth-error.js';

// Errors and redaction
export { ERROR_CODES, isAuthError, QwenAuthError } from './errors.js';
export { remedyFor } from './resolve/remedies.js';
export type { AuthErrorCode, AuthErrorDetails, AuthErrorKind, MissingKeyHint, QwenAuthErrorOptions, RemedyWording, RequestFailureDetails } from './errors.js';
export { redact, redactText, redactUrl } from './redact.js';

// Diagnostics
export { DIAGNOSTIC_CODES, DIAGNOSTICS, diagnosticInfo } from './diagnostics.js';
export type { Diagnostic, DiagnosticCode, DiagnosticInfo, DiagnosticLevel, DiagnosticSubject } from './diagnostics.js';

// .env discovery
export { findEnvFile } from './env/discover.js';
export type { EnvFileFilter, EnvFileSearch, EnvSearchRoots, FoundEnvFile, SkippedEnvFile } from './env/discover.js';
export { locateQwenHome } from './env/qwen-home.js';
export type { QwenHome, QwenHomeInputs, QwenHomeOptions } from './env/qwen-home.js';

// Settings
export { setSelectedAuthType, trustFolder } from './settings/on-first-use.js';
export { trustFilePath } from './settings/trust-path.js';
export type { TrustFolderOptions } from './settings/trust-path.js';
export type { TrustFolderResult } from './settings/trust-writer.js';
export type { TrustLevel } from './settings/trusted-folders.js';
export type { SetSelectedAuthTypeOptions, SetSelectedAuthTypeResult, WritableSettingsScope } from './settings/writer.js';
export type { ModelProviderEntry } from './settings/types.js';

// Providers
export { createProviderRegistry } from './providers/registry.js';
export { defaultProviders } from './providers/data.js';
export type {
  ProviderDefinition,
  ProviderEndpoint,
  ProviderQuota,
  ProviderRegistry,
  QuotaLimit,
  RegistryMatch,
} from './providers/types.js';

// Qwen OAuth
export { createQwenOAuthClient } from './resolve/on-first-use.js';
export type { AuthorizeDeviceOptions, QwenOAuthClient, QwenOAuthClientOptions } from './oauth/client.js';
export type { RetryPolicy } from './oauth/protocol.js';
export { QWEN_OAUTH_DEFAULTS } from './oauth/endpoints.js';
export type { QwenOAuthOptions, Verification } from './oauth/types.js';

// Token stores
export { createFileTokenStore } from './resolve/on-first-use.js';
export type { FileTokenStore, FileTokenStoreOptions } from './storage/file-store.js';
export { createKeychainTokenStore } from './resolve/on-first-use.js';
export type { KeychainTokenStoreOptions, KeytarLike, OpenedKeychainStore } from './storage/keychain-store.js';
export { createMemoryTokenStore } from './storage/memory-store.js';
export type { MemoryTokenStore } from './storage/memory-store.js';
export type { FileLockOptions } from './storage/lock.js';
export type {
  LockOptions,
  QwenCredentials,
  ReleaseLock,
  TokenStore,
  TokenStoreChoice,
  TokenStoreContext,
  TokenStoreKind,
} from './storage/types.js';
