"""The project's report: the analysis plan's results written up, and the PRISMA counts."""
