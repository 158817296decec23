/** Values a hostile or careless world puts where qwen-auth reads, shared by the tests that plant them. */

/** What an attacker (or a broken server) may answer as resource_url. */
export const HOSTILE_RESOURCE_URLS = [
  'http://evil.example',
  'http://portal.qwen.ai', // a Qwen host, but the token would travel in clear
  'https://user:pw@portal.qwen.ai',
  'https://portal.qwen.ai@evil.example',
  'portal.qwen.ai@evil.example',
  'https://@portal.qwen.ai',
  'evil.example#',
  'portal.qwen.ai#',
  'portal.qwen.ai?x=1',
  'https://portal.qwen.ai/v1?next=https://evil.example',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'file:/etc/passwd',
  'data:text/plain,hi',
  'ftp://portal.qwen.ai',
  '../../etc',
  '//evil.example',
  'portal.qwen.ai.evil.example',
  'evilqwen.ai',
  'https://evil.example/portal.qwen.ai',
  'https://portal.qwen.ai\\@evil.example',
  'https://portal.qwen.ai\t.evil.example',
  'portal.qwen.ai\u0000.evil.example',
  'https://127.0.0.1:8080',
  'http://localhost',
  'https://[::1]',
  'https://0x7f.0.0.1',
  '',
  '   ',
  'https://',
];

/** resource_url values that are fine, with the base URL they give (token endpoint: Qwen's). */
export const GOOD_RESOURCE_URLS: readonly (readonly [string, string])[] = [
  ['portal.qwen.ai', 'https://portal.qwen.ai/v1'],
  ['https://portal.qwen.ai/v1/', 'https://portal.qwen.ai/v1'],
  ['chat.qwen.ai', 'https://chat.qwen.ai/v1'],
  ['dashscope.aliyuncs.com/compatible-mode', 'https://dashscope.aliyuncs.com/compatible-mode/v1'],
];
