"""Runs a Pulumi Python program for pulumi-akash's pulumi-language-python (main.go's Run).

The `pulumi` wheel on PyPI has no entry point that runs a program (upstream's runner ships with the
CLI), so this one does what such a runner must: load the stack's config, configure the SDK with the
engine's addresses, and run the program's __main__ inside the stack resource.
"""

import argparse
import asyncio
import json
import os
import runpy
import sys
import traceback

# Exit code that tells the host the error is already shown (main.go: exitAfterUserMessage).
EXIT_AFTER_USER_MESSAGE = 32


def main() -> int:
    parser = argparse.ArgumentParser()
    for flag in ("monitor", "engine", "project", "stack", "organization", "root-directory", "pwd"):
        parser.add_argument(f"--{flag}", default="")
    parser.add_argument("--parallel", type=int, default=0)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("program")
    args = parser.parse_args()

    try:
        import pulumi
        import pulumi.runtime
    except ImportError as err:
        print(
            f"the pulumi package is not installed for {sys.executable} ({err}): "
            "run `pip install -r requirements.txt` in the program's virtual environment",
            file=sys.stderr,
        )
        return 1

    pulumi.runtime.set_all_config(
        json.loads(os.environ.get("PULUMI_CONFIG", "{}")),
        json.loads(os.environ.get("PULUMI_CONFIG_SECRET_KEYS", "[]")),
    )
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            monitor=args.monitor,
            engine=args.engine,
            project=args.project,
            stack=args.stack,
            parallel=args.parallel,
            dry_run=args.dry_run,
            organization=args.organization or None,
            root_directory=args.root_directory or None,
        )
    )

    # The program imports its own modules as `python __main__.py` would let it.
    os.chdir(args.pwd or ".")
    program = os.path.abspath(args.program)
    sys.path.insert(0, program if os.path.isdir(program) else os.path.dirname(program))

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(
            pulumi.runtime.run_in_stack(lambda: runpy.run_path(program, run_name="__main__"))
        )
    except pulumi.RunError as err:
        pulumi.log.error(str(err))
        return EXIT_AFTER_USER_MESSAGE
    except Exception:  # noqa: BLE001 - everything the program raised reaches the user, once
        pulumi.log.error("Program failed with an unhandled exception:\n" + traceback.format_exc())
        return EXIT_AFTER_USER_MESSAGE
    finally:
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
