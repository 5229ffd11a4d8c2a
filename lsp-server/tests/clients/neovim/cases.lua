-- What init.lua checks for each file of cases/: the findings the server must report (rule,
-- and the exact source text the diagnostic covers); the finding whose preferred quick fix
-- is applied; what is typed in insert mode first (a line above that finding, then text
-- after `type_after` on the finding's line, before it); cases/<file>.fixed is the buffer
-- text expected at the end.
local comment_line = 'ünïcödé 😀 — ajouté'
return {
  ['handler.py'] = {
    findings = {
      { 'security/eval', 'eval(user_input)' },
      { 'security/unsafe-deserialization', 'yaml.load(data)' },
      { 'security/weak-hash', 'hashlib.md5(x)' },
    },
    fix = 'security/weak-hash',
    line_above = '# ' .. comment_line,
    type_after = 'naïve',
    typed = ' 🎉 ü',
  },
  ['checksum.ts'] = {
    findings = {
      { 'security/weak-hash', 'createHash("md5")' },
      { 'security/eval', 'eval(code)' },
    },
    fix = 'security/weak-hash',
    line_above = '// ' .. comment_line,
    type_after = 'café',
    typed = ' 🎉 ü',
  },
  ['client.rs'] = {
    findings = {
      { 'security/insecure-tls', 'danger_accept_invalid_certs(true)' },
      { 'security/weak-hash', 'md5::compute(data)' },
    },
    fix = 'security/insecure-tls',
    line_above = '// ' .. comment_line,
    type_after = 'café',
    typed = ' 🎉 ü',
  },
}
