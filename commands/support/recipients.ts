// The recipients a support bundle is encrypted to when the user names none: the public SSH keys
// of the public members of the siderolabs GitHub organization (the Talos maintainers, who read
// the bundles sent to them), as upstream's support library embeds them. Data, not code: taken
// from go-talos-support's generated recipient list at commit 8dd43267 (the newest revision this
// project could read); a bundle encrypted to them can be opened by those people only.

/** One person and their keys, labelled as upstream's list labels them. */
export interface DefaultRecipient {
  /** GitHub login and, when public, the real name. */
  who: string;
  keys: string[];
}

export const DEFAULT_RECIPIENTS: DefaultRecipient[] = [
  {
    who: "alongwill (Andy Longwill)",
    keys: [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHw/KUTxRQRfhqx821Y8dHDqME3JHF0KUnK4UroK3UjX",
    ],
  },
  {
    who: "frezbo (Noel Georgi)",
    keys: [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINHruM/uEsOGDyzdqxN3nxgP0EHav2kyI29Ogs6vHr75",
    ],
  },
  {
    who: "fsgh42",
    keys: [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJsi8dlKtUv11/tVIB8C/+/nybfLrfcAostScbbyK5rM",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPhRXvdpyBFXgvhqbFPXth7U52IryYrJ48+SGzRMbjtZ",
    ],
  },
  {
    who: "kevintijssen (Kevin Tijssen)",
    keys: [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAQm+rHlcFUZ0IC0Quj9XWA+C1hOZX6V5+OP5yLwWX9C",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJihk6DiQtdU2QjKNclteAjOd+4JSW0LorOuOyYM//bL",
    ],
  },
  {
    who: "majabojarska (Maja Bojarska)",
    keys: [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBW+jmBmPtDv+Bw21i9J4p/pZPdM7SggxBF9FGOWXSM8",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKAV1AUyhqMQldeCXCH/a2a7vwKxyPMyaqZT9w82elKE",
    ],
  },
  {
    who: "oguzkilcan (Oguz Kilcan)",
    keys: [
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDP0b5kKXxoosgTUgvozAQyHSmaPvnnnoWGEBypveYjrX8r40DIKoG69iPW03c5A+j7KVJ0QrFDTejP6oXrlU3cbE96KEi9QkvHJ+hEdO4Om5zf6KDqWo7WSKDo1xj3oWETG1QstR7MI+byakwDHvsu5p6WpyygcRTjZWDZiI4uzszbyqs0O4SGTbgZd2e/A5XmryOEC8uO9vfIyf2SQz6WwXHmGLLBPASHsOloppSxjy+HSKSJEp6n7LWs6cjKSMgWO3JVNja/+nDozwrDrcu6R5jrx0OoKQBM0fIJpq+3prnfa41AUhgJrk8V/TvpXaHq4JctHH9YaHNAAiIfRwIn",
    ],
  },
  {
    who: "Orzelius (Albert)",
    keys: [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN3CBgRwqwRl4/mZuJ5dLX2770SNvwgxY6t0Z6gd7dv8",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPNUdcL43lPBtyiHsm8a31FcEGwGu68BkjOAQByCw7Vk",
    ],
  },
  {
    who: "rothgar (Justin Garrison)",
    keys: [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINK1AyRqlsnygTUljmL7cXgHkFsb3mDU6gb0MIwZnZ0O",
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDCn/WYbUnsZCXLPkEhRNBH3wkrkxZGu+sOlVVeqhvsdIRq0E6H8SOglYRJmt/sKgBNt8x+aFkW8rRGUMiGz46XBgx+gGnUBW5WVVPdQ3dKLBLchhyoh6jZc1kFpYpLb+QonWr7ne3FzgyEegUq9qkOcJpDqFJ7IKSlIiPxLb/6ztKRjEhcSHjSBeCYfQddatspaJP2/ei7LV85EsLykAYfIRs/pX0BkuHivC75eOfcs86P9bKnLJm0uWQ62Fkx684fzPPM18AhIEiojkBkluVFSXLI5VxKI58incVMmJ1CBReFg8oqTvSKtQ+rabRX71uGcf0SOM3GCmBJwFUf6noj",
    ],
  },
  {
    who: "rsmitty (Spencer Smith)",
    keys: [
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDU7RBKAYSVo3t14nya5+cda2c+B1fK59JObhN90GHOPo9XoLnJe4yShwz2334dHvUASYe2gig6IVfxh6HfBqBxFSFD8O5JgC2SbWxDA2UqcfeUl0frtfo5TFxDrhaoFPrZnsjtAOjGX785DY327Je4ysHesDfpxI/BOGoPEIHfac6wNegyEjfSe88DQQ/B8X/UVvorGJjLyIAhZL8NPOCMgeW6p+rqc9sPQ41f5YkobgaH5AuKwgxhMk1GEi4ATQPa0VgYk/zQwKZ90xBcj2jS3pIU1j1k6xHleGzdESgCHuYeT9mLMRW7LMe+jBMMNjAOQ4fDkZBTkECs7tU9/y6D",
    ],
  },
  {
    who: "shanduur (Mateusz Urbanek)",
    keys: [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK/Qi8kucqYTj214Qs32RzMPH7XBjteeEEDvknm2zLb5",
    ],
  },
  {
    who: "Slessi (👑 Edward Sammut Alessi)",
    keys: [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHLDX3WnNQXSBf5+xfmFF8gw8sPVZdArti8rkVxrpd4i",
    ],
  },
  {
    who: "smira (Andrey Smirnov)",
    keys: [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrbNq6dZzYyHDVljNHoehF3QbLw3TbU3Z8LpyVB5fvt",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDVbY4JUDsVV3r2j3XP0Kiyo2/uNdXl3DnSKrFhh79RX",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKoNkPT8aWhFf90ONIlFz1jXiT9m6IcF09SqzL8IluhH",
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDBSrg05AuALkeT/cKzkKEFFdvMp/vd7NZgg0ifml2FY8v0IVC5gKi8+GGDVZEIjkR9DSOg9bNL2zJ/U2DpukSauhwsTNVe2odsUzlQVo95Xn1WTGl85bbnI53VYsQ1r153KG89d6seFAhHBlneJhjeM8CcslT57gp+E7eId1B+pD4WsYmhjKsVFhWxhsTzYSEBPE8ZKHMv/zE1eyz+dmeXP/a5A39ycPi3RinEIx3Y/X/N75OvM2gic7IEAgmRuUSZmM9jeHoh7C7tQKQYxnvns2lChjCJwq1wyfPjBp8w3HYw7N3UjJAKIxq7gwKxDdJMPBC8uCwoiLAYCxFSBTVyMIOlcsNYKcFSQdzxPq4E8YOzGFl3tffBImZAEhR41APesCbMW7Wu9Kx/5wDH8cHFb1brHGpqiy6/TO9sW+e1OxLUq5dBaO3uvbn3JFDcvRy6gl4CyCgibyibkC2Kdk1tMDjK2Ojx9gw3ngqjjutMzjIsVqtidjgyg/90VfheDrU=",
    ],
  },
  {
    who: "TimJones (Tim Jones)",
    keys: [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEeARwxKKnkeyeGJIbmt5wXPj6nKbEmmw0mI87Lbwvvj",
    ],
  },
  {
    who: "Unix4ever (Artem Chernyshev)",
    keys: [
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7mEkK8fL+0l9GejkCB7hQGfHNdaglHHeryTPadUdpzYdETazc6xzHPPOZoMp8w/pRDdZoLIWxMS2omcy21cUUfMFZaf/7evAT5QVUHM2YTt13r23VZ/WbOOQ69lMtvJMfjG3zSKSb900hcpwkD2eSnxVUZ52AWOvvOy3RrL2mFNwOqPSPIcIBmr9UVNnB3BKrdbgWzkuN64b+iObGlHRLkseBA4iVzkDN4/+eQSt4bmx4hlfaWh+aVNahgdJQqNmjElWm13/fjtGPmnBdgt0KXT+ubsLGlR4HohJTKO6u8Q5L7Psc+asnW6BSMJqyoALWHJDJsRMRnvSY/4OqfuPl",
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQC+Tpj6438Xy822fFPSzHlmed9qh66o1tc4u93gJTzQ7VHSlS5mvsDtdW4fvPA50OuoPrfdpycWZbJvEYlcYyxo0c2Ij8FL3uSCSN6Jz427C9SRmzEXkP+EL2qb6XYeucw/SS8PCtJ+D35XZq/ikyjTOlIR12Vu1NQCrT3LMdBndKwo9A6vwx8UlDoSOg0tN/PoTlTfIFGwk1f9P3zLKYDiEYEVVUnycGryTuq4f4kykHpztF9wX24Lf5CLvFMNn705NiWqKf98n5ES4MjCSp2U6SA33uglg+C90j0GIpU3xkJQWiTc8TPmesn67ntIHHC7PouWIvGpF/S9FJK5TKN/POVZzM03nGzwi6oFDfpwzaKMe2q518yUuwCc2yeYfDAE93FQcjvWCLHq4UQH4Q+Cnoz0hhe6R//r0dFTRD1RY8ipm7Hw4+1xwTMXhaO4mhAp4HWC+UyKOFcYfpJ1niJSUTyKzcwaLdIGisdHatuYWWmN0VHXOoF1FrCEIvaqzAE=",
    ],
  },
  {
    who: "utkuozdemir (Utku Özdemir)",
    keys: [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAHXENpsZL/PMrO5i/nc3/FjPBSI7JYiosNurKg/5roz",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvQExKObbLkAPBS89ayP1R2mDHk3+rRXIfxfSGBfbdF",
    ],
  },
];
