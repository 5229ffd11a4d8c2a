-- Headless Neovim 0.11 against cairn-lsp: the real client, its own capabilities, its own
-- incremental sync and position conversion. Run by ./run (one nvim per file and encoding):
--
--   nvim --headless --clean -u init.lua FILE
--
-- Environment: CAIRN_LSP (the server), CAIRN_NVIM_CASES (cases.lua), CAIRN_NVIM_EXPECTED
-- (the buffer text expected at the end), CAIRN_NVIM_ENCODING ("utf-8": Neovim's own
-- capabilities, which offer UTF-8; "utf-16": offer only UTF-16, so Neovim converts).
--
-- Steps: start the server with vim.lsp.start; wait for the diagnostics (vim.diagnostic.get)
-- and check each one's exact line and byte columns; type in insert mode a line of non-ASCII
-- text above a finding and text with emoji before it on its line, and wait for the
-- diagnostics to move exactly; ask for code actions at that diagnostic and apply the
-- preferred quick fix with vim.lsp.util.apply_workspace_edit (in the client's
-- offset_encoding); compare the buffer with the expected text; wait for the fixed finding
-- to go; stop the server and check it exits with status 0. Any failure: a message on
-- stderr starting with "FAIL:" and exit status 1.

local TIMEOUT = 10000 -- ms; bounds a hang, never paces the test (vim.wait polls a predicate)

-- No provider probing at start-up (the Python one spawns python3 for a second or two).
for _, provider in ipairs({ 'python3', 'node', 'perl', 'ruby' }) do
  vim.g['loaded_' .. provider .. '_provider'] = 0
end

local function env(name)
  local value = vim.env[name]
  if value == nil or value == '' then
    error(name .. ' is not set (run this through ./run)')
  end
  return value
end

local function read_file(path)
  local f = assert(io.open(path, 'rb'))
  local text = f:read('*a')
  f:close()
  return text
end

local function buffer_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') .. '\n'
end

--- Where each finding's source text is in the buffer now: { code, lnum, col, end_lnum,
--- end_col } with 0-based lines and byte columns, as vim.diagnostic reports them.
local function expected_positions(buf, findings)
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local out = {}
  for _, finding in ipairs(findings) do
    local rule, needle = finding[1], finding[2]
    local where
    for lnum, line in ipairs(lines) do
      local s = string.find(line, needle, 1, true)
      if s then
        assert(where == nil, 'the case text ' .. needle .. ' is in the buffer twice')
        where = {
          code = rule,
          lnum = lnum - 1,
          col = s - 1,
          end_lnum = lnum - 1,
          end_col = s - 1 + #needle,
        }
      end
    end
    assert(where, 'the case text ' .. needle .. ' is not in the buffer')
    table.insert(out, where)
  end
  return out
end

local function sorted(list)
  table.sort(list, function(a, b)
    if a.lnum ~= b.lnum then
      return a.lnum < b.lnum
    end
    if a.col ~= b.col then
      return a.col < b.col
    end
    return a.code < b.code
  end)
  return list
end

local function actual_positions(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out, {
      code = d.code,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
    })
  end
  return sorted(out)
end

--- Waits until the buffer's diagnostics are exactly `findings` at their current places.
local function wait_for_diagnostics(buf, findings, what)
  local want = sorted(expected_positions(buf, findings))
  local ok = vim.wait(TIMEOUT, function()
    return vim.deep_equal(actual_positions(buf), want)
  end, 20)
  if not ok then
    error(
      string.format(
        '%s: diagnostics never became\n  %s\nlast seen\n  %s',
        what,
        vim.inspect(want, { newline = ' ', indent = '' }),
        vim.inspect(actual_positions(buf), { newline = ' ', indent = '' })
      )
    )
  end
end

local function without(findings, rule)
  return vim.tbl_filter(function(f)
    return f[1] ~= rule
  end, findings)
end

local function type_keys(keys)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'xt', false)
end

local function run()
  local cairn = env('CAIRN_LSP')
  local cases = dofile(env('CAIRN_NVIM_CASES'))
  local expected_text = read_file(env('CAIRN_NVIM_EXPECTED'))
  local encoding = env('CAIRN_NVIM_ENCODING')

  local buf = vim.api.nvim_get_current_buf()
  local path = vim.api.nvim_buf_get_name(buf)
  local case = cases[vim.fs.basename(path)]
  assert(case, 'no case for ' .. path)
  if vim.bo[buf].filetype == '' then
    vim.bo[buf].filetype = vim.filetype.match({ buf = buf }) or ''
  end
  assert(vim.bo[buf].filetype ~= '', 'no filetype for ' .. path)
  -- Typed text must land as typed: no automatic indent or comment leader.
  for option, value in pairs({
    autoindent = false,
    smartindent = false,
    cindent = false,
    indentexpr = '',
    formatoptions = '',
    textwidth = 0,
  }) do
    vim.bo[buf][option] = value
  end

  local capabilities = vim.lsp.protocol.make_client_capabilities()
  if encoding == 'utf-16' then
    capabilities.general.positionEncodings = { 'utf-16' }
  end
  local exit_code
  local client_id = vim.lsp.start({
    name = 'cairn',
    cmd = { cairn },
    root_dir = vim.fs.dirname(path),
    capabilities = capabilities,
    on_exit = function(code)
      exit_code = code
    end,
  }, { bufnr = buf })
  assert(client_id, 'vim.lsp.start returned nil')
  local client = assert(vim.lsp.get_client_by_id(client_id))
  assert(
    vim.wait(TIMEOUT, function()
      return client.initialized
    end, 20),
    'the server did not finish initialize'
  )
  if client.offset_encoding ~= encoding then
    error(string.format('negotiated %s, expected %s', client.offset_encoding, encoding))
  end

  -- 1. The diagnostics of the file as opened.
  wait_for_diagnostics(buf, case.findings, 'on open')

  -- 2. Insert mode: a line above the finding to fix, then text before it on its line.
  local to_fix = vim.tbl_filter(function(f)
    return f[1] == case.fix
  end, case.findings)
  assert(#to_fix == 1, 'the case must have one finding of rule ' .. case.fix)
  local target = expected_positions(buf, to_fix)[1]
  local row = target.lnum + 1 -- 1-based
  vim.api.nvim_win_set_cursor(0, { row, 0 })
  type_keys('O' .. case.line_above .. '<Esc>')
  local typed_line = vim.api.nvim_buf_get_lines(buf, row - 1, row, false)[1]
  assert(typed_line == case.line_above, 'typing gave ' .. vim.inspect(typed_line))
  local line = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1]
  local _, after = string.find(line, case.type_after, 1, true)
  assert(after, case.type_after .. ' is not on the line of the finding')
  vim.api.nvim_win_set_cursor(0, { row + 1, after }) -- on the byte after `type_after`
  type_keys('i' .. case.typed .. '<Esc>')
  assert(vim.fn.mode() == 'n', 'still in mode ' .. vim.fn.mode())
  wait_for_diagnostics(buf, case.findings, 'after typing')
  -- Spelled out: one line down, and right by the bytes typed (Neovim columns are bytes).
  local moved = expected_positions(buf, to_fix)[1]
  if moved.lnum ~= target.lnum + 1 or moved.col ~= target.col + #case.typed then
    error(
      string.format(
        'the finding did not move by one line and %d bytes: %s -> %s',
        #case.typed,
        vim.inspect(target),
        vim.inspect(moved)
      )
    )
  end

  -- 3. The preferred quick fix at that diagnostic, applied as Neovim applies edits.
  local diagnostic
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == case.fix then
      diagnostic = d
    end
  end
  assert(diagnostic, 'no diagnostic of rule ' .. case.fix)
  local lsp_diagnostic = diagnostic.user_data and diagnostic.user_data.lsp
  assert(lsp_diagnostic, 'the diagnostic has no LSP original (user_data.lsp)')
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = lsp_diagnostic.range,
    context = { diagnostics = { lsp_diagnostic }, only = { 'quickfix' } },
  }
  local results = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, TIMEOUT)
  local response = assert(results and results[client_id], 'no answer to textDocument/codeAction')
  assert(response.err == nil, 'textDocument/codeAction failed: ' .. vim.inspect(response.err))
  local preferred = vim.tbl_filter(function(action)
    return action.isPreferred
  end, response.result or {})
  if #preferred ~= 1 then
    error('expected one preferred quick fix, got ' .. vim.inspect(response.result))
  end
  vim.lsp.util.apply_workspace_edit(preferred[1].edit, client.offset_encoding)
  local got = buffer_text(buf)
  if got ~= expected_text then
    error('after the quick fix the buffer is\n' .. got .. '\nexpected\n' .. expected_text)
  end
  wait_for_diagnostics(buf, without(case.findings, case.fix), 'after the quick fix')

  -- 4. A clean shutdown.
  client:stop()
  assert(
    vim.wait(TIMEOUT, function()
      return exit_code ~= nil
    end, 20),
    'the server did not exit after shutdown'
  )
  assert(exit_code == 0, 'the server exited with status ' .. tostring(exit_code))
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok, err = xpcall(run, debug.traceback)
    if ok then
      io.stdout:write('ok\n')
      vim.cmd('qall!')
    else
      io.stderr:write('FAIL: ' .. tostring(err) .. '\n')
      vim.cmd('cquit 1')
    end
  end,
})
