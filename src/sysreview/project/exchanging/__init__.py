"""Files teams exchange with other tools: RevMan 5, reference managers, screening tools.

RevMan export, references and PRISMA2020 CSV (``files``); screening decisions to and from
ASReview, Rayyan and Covidence (``decisions``); the use cases are the methods of
``project.exchange`` (``service``).
"""
