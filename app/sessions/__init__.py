"""The session runtime: sessions in memory (store), their lanes of work on a
fair scheduler, play ticks, clients and the frames they receive, saving."""
