# Writes a large uv.lock for split-parse.test: an app depending on N
# registry packages. With "trap", one package carries an unknown multi-line
# string field whose text holds a line `[[package]]`.
import sys

path, count, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
out = ['version = 1', 'revision = 3', 'requires-python = ">=3.12"', '',
       '[[package]]', 'name = "app"', 'version = "0.1.0"',
       'source = { virtual = "." }', 'dependencies = [']
out += ['    { name = "pkg-%04d" },' % i for i in range(count)]
out += [']']
for i in range(count):
    out += ['', '[[package]]', 'name = "pkg-%04d"' % i,
            'version = "1.0.%d"' % i,
            'source = { registry = "https://pypi.org/simple" }']
    if i:
        out += ['dependencies = [',
                '    { name = "pkg-0000", marker = "sys_platform == \'linux\'" },',
                ']']
    if mode == 'trap' and i == count // 2:
        out += ['description = """', '[[package]]', 'name = "fake"', '"""']
    out += ['sdist = { url = "https://files.example/pkg_%d-1.0.%d.tar.gz", '
            'hash = "sha256:%064d", size = %d }' % (i, i, i, i + 1),
            'wheels = [',
            '    { url = "https://files.example/pkg_%d-1.0.%d-py3-none-any.whl", '
            'hash = "sha256:%064d", size = %d },' % (i, i, i, i), ']']
open(path, 'w').write('\n'.join(out) + '\n')
