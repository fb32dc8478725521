from orderflow.ops.cli import main

main()
