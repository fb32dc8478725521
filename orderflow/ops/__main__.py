from orderflow.ops.cli import main

raise SystemExit(main())
