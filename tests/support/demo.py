"""The seeded Tuanjiehu demo world (``deliberation.demo``), its people and places by name."""

from __future__ import annotations

from dataclasses import dataclass

from deliberation.models import Compound, User


def user(username: str) -> User:
    return User.objects.get(username=username)


@dataclass
class Demo:
    """The seeded Tuanjiehu world, with handy names for its people and places (the ``demo``
    and ``tdemo`` fixtures)."""

    def user(self, username: str) -> User:
        return user(username)

    def compound(self, name: str) -> Compound:
        return Compound.objects.get(name=name)

    @property
    def tuanjie(self) -> Compound:
        return self.compound("团结公寓")

    @property
    def qinggong(self) -> Compound:
        return self.compound("轻工宿舍")
