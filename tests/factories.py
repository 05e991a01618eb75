"""Factories and personas: a city, departments with liaisons, FAO staff, an outsider."""

import factory
from django.db import transaction

from waishi.core.models import RoleAssignment, Unit, User
from waishi.core.roles import Role
from waishi.people.models import Passport, Person, Rank


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with transaction.atomic():
            unit = super()._create(model_class, *args, **kwargs)
            parent = unit.parent
            unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
            unit.depth = parent.depth + 1 if parent else 0
            unit.save(update_fields=["path", "depth"])
        return unit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def grant(user, role, unit, include_subtree=True):
    RoleAssignment.objects.create(user=user, role=role, unit=unit, include_subtree=include_subtree)
    user.__dict__.pop("_waishi_grants", None)
    return user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "欧阳春", "单立新", "吕晓梅"])
    surname_pinyin = "ZHANG"
    given_pinyin = "WEI"
    unit = factory.SubFactory(UnitFactory)
    rank = Rank.COUNTY
    position = "处长"


class PassportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Passport

    person = factory.SubFactory(PersonFactory)
    kind = Passport.Kind.OFFICIAL_ORDINARY
    number = factory.Sequence(lambda n: f"E{n:08d}")
    number_digest = factory.LazyAttribute(
        lambda o: __import__("waishi.core.crypto", fromlist=["digest"]).digest(o.number)
    )
    expires_on = factory.Faker("date_between", start_date="+1y", end_date="+8y")


__all__ = ["PassportFactory", "PersonFactory", "Role", "UnitFactory", "UserFactory", "grant"]
