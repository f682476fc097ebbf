"""Lists the Python environment's distributions for pulumi-akash's pulumi-language-python.

Prints JSON: every installed distribution's name and version, and the pulumi-plugin.json of those
that ship one (a generated Pulumi SDK does: it names the provider plugin the program needs).
"""

import json
from importlib import metadata

out = []
for dist in metadata.distributions():
    entry = {"name": dist.metadata["Name"], "version": dist.version}
    for f in dist.files or []:
        if f.name == "pulumi-plugin.json":
            entry["plugin"] = json.loads(f.read_text())
            break
    out.append(entry)
print(json.dumps(out))
